# Threat intelligence (STIX 2.1 / TAXII 2.1): collections, markings, exposure.
intel-err-title = Enter a title of 1 to 200 characters, without control characters.
intel-err-description = The description is too long (4,000 characters at most).
intel-err-member-access = Choose read, read_write or write.
intel-err-anonymous = x_shirube_anonymous must be true or false.
intel-err-recipient = Each recipient must be the corporate number of an active member of the group.
intel-access-read = Members read
intel-access-read-write = Members read and add
intel-access-write = Members add only (drop box)
intel-kind-exposure = Threat intelligence affects you
intel-notif-exposure-title = Threat intelligence names a component you use
intel-notif-exposure-body = "{ $object }" in the collection "{ $collection }" names { $component }, found in { $file }.
intel-notif-exposure-restricted-body = An object in the collection "{ $collection }" names { $component }, found in { $file }. Its marking keeps it inside the collection: read it on Shirube.
