# Products the organisation uses, as assessment evidence (issue 13, item 5).
pe-nav = Security products you use
pe-title = Security products you use
pe-lead = Press "We use this" on each security product your company uses. A product you declare appears automatically as evidence on the criteria of your assessment that it serves. When you stop using one, press "We stopped using it". Entering the annual spend is optional; it only goes into the share of spending on domestic vendors (the self-sufficiency rate).
pe-count = { $n ->
    [0] You have not declared any product yet.
    [one] You declared one product.
   *[other] You declared { $n } products.
}
pe-read-only = Your role can read only, so you cannot declare or withdraw products. Ask your company's administrator.
pe-empty = There is no product list yet. Public bodies register the products.
pe-domestic = Domestic
pe-in-use = In use
pe-declared-on = Declared
pe-btn-declare = We use this
pe-btn-withdraw = We stopped using it
pe-serves = Criteria it is evidence for
pe-msg-declared = Declared. It now shows as evidence on the matching criteria of your open assessment.
pe-msg-withdrawn = Withdrawn. It is no longer evidence of your open assessment; declared assessments stay as they were.
pe-kind = Product declaration
pe-help = A product you declared under "Security products you use". When you declare the assessment, the products declared at that moment stay on record with it.
pe-link-products = See or change the products you use
pe-cat-edr = Anti-malware / EDR
pe-cat-firewall_utm = Firewall / UTM
pe-cat-email_security = E-mail security
pe-cat-web_dns_filtering = Web / DNS filtering
pe-cat-vulnerability_scanning = Vulnerability scanning
pe-cat-backup = Backup
pe-cat-iam_mfa = Identity and multi-factor authentication
pe-cat-siem_soc = Log monitoring (SIEM / SOC)
pe-spend-label = Annual spend (yen, optional)
pe-spend-hint = What you pay for this product in a year, for example 120000. Leave it empty if you do not know. The amount is never published on its own; it only goes into the share of spending on domestic vendors (the self-sufficiency rate).
pe-spend-none = No annual spend entered.
pe-spend-shown = Annual spend: { $amount } yen
pe-spend-change = Enter or change the annual spend
pe-spend-save = Save the spend
