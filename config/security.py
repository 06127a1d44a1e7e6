"""Response headers of a level-3 system (GB/T 22239-2019 8.1.4): what a browser may run,
use and keep.

- Content-Security-Policy: scripts, styles, images and connections from this site only,
  no inline script, handler or style (templates use classes and static/js/app.js), no
  plugins (object-src 'none'), not framed anywhere (frame-ancestors 'none', as
  X-Frame-Options DENY says to older browsers). `CSP_REPORT_ONLY=true` sends it as
  Content-Security-Policy-Report-Only to try a change without breaking pages.
  The Django admin is the exception for styles: its templates still carry a few style
  attributes, so /admin/ allows inline styles (never inline scripts).
- Permissions-Policy: no camera, microphone, location, payment or USB from script
  (photos are taken through the file input, which needs none of them).
- Cache-Control: no-store on everything a signed-in person is sent (pages, workbooks,
  photos): personal data stays out of shared and back-button caches. Static files are
  answered by WhiteNoise before this middleware and keep their long cache.

The policy is a constant: one string built at import, nothing per request.
"""

from django.conf import settings
from django.utils.cache import patch_cache_control

POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data: blob:",
    "font-src": "'self'",
    "connect-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}
ADMIN_STYLES = "'self' 'unsafe-inline'"
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"


def content_security_policy(policy=POLICY):
    return "; ".join(f"{name} {value}" for name, value in policy.items())


CSP = content_security_policy()
ADMIN_CSP = content_security_policy({**POLICY, "style-src": ADMIN_STYLES})


class SecurityHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.csp_header = (
            "Content-Security-Policy-Report-Only"
            if getattr(settings, "CSP_REPORT_ONLY", False)
            else "Content-Security-Policy"
        )
        self.admin_prefix = "/admin/"

    def __call__(self, request):
        response = self.get_response(request)
        if self.csp_header not in response:
            admin = request.path.startswith(self.admin_prefix)
            response[self.csp_header] = ADMIN_CSP if admin else CSP
        response.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            patch_cache_control(response, no_store=True, private=True)
        return response
