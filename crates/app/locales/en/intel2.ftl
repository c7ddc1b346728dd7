# Issue 12 (part 2): the buyer's "exposed to intelligence" badge and its explanation page.
intel2-badge-exposed = Exposed to intelligence ({ $n })
intel2-suppliers-title = Suppliers exposed to threat intelligence
intel2-suppliers-help = For suppliers that share their assessment with you: the threat intelligence (vulnerabilities and attack indicators) shared by industry groups for wider use (TLP:CLEAR and TLP:GREEN) that names a component in the supplier's software list (SBOM). Intelligence with restricted sharing (TLP:AMBER, TLP:RED) never appears here.
intel2-suppliers-next = Contact each supplier listed and ask whether it has updated or otherwise dealt with the component. A supplier leaves this list once it records on Shirube what it did.
intel2-suppliers-none = None of your suppliers is exposed to threat intelligence at the moment.
intel2-back-to-suppliers = Back to your suppliers
