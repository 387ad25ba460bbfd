"""The LMS: question banks as GIFT, Moodle XML and QTI, and filling an LMS gradebook."""
