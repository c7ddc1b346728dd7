# The buyer's portfolio (your suppliers), its requests, the CSV, and the customers' requests page.

portfolio-status-not-shared = Not shared yet
portfolio-help-statuses = "Not shared yet": the supplier has begun its self-assessment (or reached a level) but has not shared it with you yet. Ask the supplier to share it with you from the "Requests from your customers" page on Shirube. "Not started": the supplier has not begun a self-assessment at all.
portfolio-err-due-past = Choose a due date on or after today ({ $earliest }); a date in the past cannot be set.
portfolio-msg-added = Supplier added and ★{ $n } requested. The supplier has received the request.
portfolio-msg-invited = The invitation is ready. Send the invitation link below to the supplier (by e-mail, for example); it works once, for 14 days. The link is shown only now and is gone when you reload this page, so copy it if you need it.
portfolio-msg-saved = Saved.
portfolio-msg-sent = Message sent.
portfolio-csv-corporate-number = Corporate number
portfolio-csv-name = Company name
portfolio-csv-tier = Tier (1 = direct supplier)
portfolio-csv-required = Required level
portfolio-csv-achieved = Achieved level (shared)
portfolio-csv-status = Status
portfolio-csv-due = Due date
portfolio-csv-last-update = Last updated
portfolio-csv-through = Seen through (corporate number)
portfolio-csv-weakest = Lowest level in branch
portfolio-csv-weak-point = Single point of failure
portfolio-csv-yes = Yes
portfolio-csv-no = No
portfolio-csv-file-name = suppliers-{ $date }.csv
portfolio-btn-csv-en = CSV (English)
portfolio-help-csv = The CSV opens directly in Excel. The corporate number in the first column identifies each supplier.
portfolio-label-company = Company
portfolio-label-you = You
portfolio-label-customer = Customer
portfolio-label-search = Search by company name or corporate number
portfolio-label-filters = Filter and sort
field-invite-email = E-mail address to invite
field-decision-extra-factors = Other factors
field-buyer-organization-id = Customer to share with
field-last-restore-test = Last restore test
portfolio-btn-csv-ja = CSV (Japanese)
