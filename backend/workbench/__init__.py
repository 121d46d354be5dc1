"""The staff workbench (工作人员入口): server-rendered jinja2 pages under /staff/.

What the pages of this package (and the next ones) use — one of each, reuse them:

- Router: `backend.workbench.router.router` (prefix /staff, mounted in backend/main.py). Add pages as
  routes of a router that also has `dependencies=[Depends(csrf_guard)]`, or include them into this one.
- Who is signed in (`backend/workbench/signin.py`):
    `PageActorDep` / `staff_page_actor` — the Actor, exactly what the JSON API builds for a staff token
      (backend.auth.actor.staff_actor, channel "web"); pass it to the same services the API calls
      (access.audited_view, service.act, access.district_scope …), never a rule of your own.
    `SignedInDep` / `signed_in` — `.actor`, `.staff` (StaffUser) and `.csrf`, for `render`.
    Not signed in → 303 to /staff/login?next=<the page>.
- CSRF: `csrf_guard` checks every non-GET request of the router (form field `csrf_token`, or header
  `X-CSRF-Token` for scripts); 403 page otherwise. In templates: `{{ csrf_field() }}` inside each <form
  method="post">, `{{ csrf_token }}` for scripts.
- Pages: `backend.workbench.pages.render(request, "staff/<page>.html", who, **context)`; templates in
  backend/workbench/templates/staff/ extend "staff/base.html" and fill `{% block content %}` (also
  `title`, `head`, `scripts`). The say.py filters (`day`, `by_day`, `yuan`, `month`, `grant` …) are there.
  Errors raised on /staff paths (NotFound, Forbidden, …) become Chinese pages (`page_errors`, staff/error.html).
- Lists: every list is paginated — `pages.paginate(total, page)` gives `.offset`/`.size` for the query, and
  `{% from "staff/macros.html" import pager %}{{ pager(pagination, page_qs) }}` the links (PAGE_SIZE 20).
- Case lists: `backend.applications.queue` (CaseQuery, find, count, count_by_status, waiting_for) is the one
  staff list query, shared with GET /api/v1/applications; audit a list read with access.audit_list.
- Tests: tests/backend/staff_pages.py (`sign_in(client, username)` → the session's CSRF token, `csrf_of`,
  `numbers_on`, `replay`); browser tests take screenshots into the `output_dir` fixture (tests/e2e/output/<test>/).
- CSS: backend/static/staff/staff.css, served at /static/staff/staff.css (classes: card, stack, primary,
  button, notice, error, cases, late, due-late, tag-late, pager, counts, filters, empty).
- Signing in after the password (the second factor's code, the enrolment an admin must do first, the
  notice to the owner) and 账号安全 (/staff/account): backend/workbench/signin_steps.py; the rules are
  backend/auth/staff_login.py's, shared with the JSON login.
- Scripts: files under backend/static/, loaded with `<script src>`; never an inline `<script>` or an `on…=`
  attribute (the pages' CSP is `script-src 'self'`, set with every other security header in
  backend/core/security_headers.py — a page sets none of its own). Data for a script: `data-` attributes or a
  `<script type="application/json">` block. Anything kept in the browser (drafts) goes through
  static/staff/drafts.js: tied to the session, cleared at sign-out and on the sign-in page.
- Sessions: backend/auth/web_sessions.py (table staff_web_sessions; token hashed at rest; idle 30 min,
  10 hours at most; revoke at sign-out).
"""
