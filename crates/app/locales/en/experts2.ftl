# Security experts, part 2: the workspace at scale, an existing user becoming an expert.
expert2-workspace-rules = "Old evidence" counts evidence dated before { $stale } (more than { $months } months ago). "New vulnerabilities" counts the findings of vulnerability checks run in the last { $days } days (files uploaded, and automatic re-checks after new advisories).
expert2-label-blockers = Blocking the target
expert2-blockers-more = { $list } and { $n } more
expert2-label-stale = Old evidence
expert2-label-findings = New vulnerabilities
expert2-page-become = Become an expert with this account
expert2-signup-have-account = Already have a Shirube account? You can sign up without creating a new one.
expert2-link-become = Become an expert with your account
expert2-engagements-are-you = If you are a Registered Information Security Specialist or another qualified expert,
expert2-become-lead = Give your qualification and the areas and industries you cover. The operator checks your qualification against the public register before you appear in the directory.
expert2-become-practice = Requests and notices from clients go to the inbox of "{ $org }", and you keep working for "{ $org }" as before. "{ $org }" itself cannot ask you to advise it.
expert2-btn-become = Become an expert
expert2-become-status = You are signed up as an expert (status: { $status }).
expert2-become-next = Once the operator has checked your qualification, you appear in the directory and companies can ask you. Requests and clients are on the Experts page.
expert2-link-engagements = See requests and clients
expert2-err-already = You are signed up as an expert already. Your details are on the Experts page.
