# Threat intelligence (STIX 2.1 / TAXII 2.1): collections, markings, exposure.
intel-err-title = Enter a title of 1 to 200 characters, without control characters.
intel-err-description = The description is too long (4,000 characters at most).
intel-err-member-access = Choose read, read_write or write.
intel-err-anonymous = x_shirube_anonymous must be true or false.
intel-err-recipient = Each recipient must be the corporate number of an active member of the group.
intel-access-read = Members read
intel-access-read-write = Members read and add
intel-access-write = Members add only (drop box)
