// The company's sign-in hook (empty in the reference console). Define
//   window.visitgisSignIn = async () => "<bearer token>";
// here — e.g. read it from the company portal's session or run its OAuth/OIDC redirect — and the
// console calls it at start instead of asking for a pasted token. Tokens must be ones the
// service accepts (docs/auth.md: the identity provider's JWKS-signed tokens).
"use strict";
