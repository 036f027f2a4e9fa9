"""Login with OpenID Connect: Feide for staff, ID-porten for guardians (docs/login.md)."""
