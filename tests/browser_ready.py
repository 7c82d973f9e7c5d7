"""Browser tests wait for the page's script, never for luck.

web/static/app.js sets `<html data-ready="1">` once its handlers are bound. A test that presses
Ctrl+S right after a navigation could otherwise beat the (deferred) script on a busy machine: the
heading is visible, the key goes nowhere (issue 21: `test_the_keyboard_is_enough_for_the_inbox`
failed so under load). `settle_after_navigation` makes a Playwright page wait for that signal before
the next thing a test does after any navigation of the main frame — `goto`, a click on a link, a
submitted form, Enter on a focused link — so tests need not remember to.

Pages without app.js (the public site, a PDF, JSON) have nothing to wait for.
"""

from __future__ import annotations

import functools

# How long `expect(...)` and page actions wait for their condition. Playwright's 5 s default is a
# guess about the machine: on a loaded 2-core runner bpmn-js alone can take longer to draw. A longer
# wait costs nothing when the condition is met (it returns at once) and only delays a real failure.
EXPECT_TIMEOUT_MS = 30_000

# True when the page's own script is ready, or when the page has none to wait for.
READY = """() => {
  if (document.readyState === "loading") return false;
  const script = document.querySelector('script[src*="/static/app.js"]');
  return !script || document.documentElement.dataset.ready === "1";
}"""

# Page methods that start a test's next step: each waits for a pending navigation to settle first.
_PAGE_ENTRIES = (
    "locator",
    "get_by_role",
    "get_by_label",
    "get_by_text",
    "get_by_placeholder",
    "get_by_test_id",
    "get_by_title",
    "get_by_alt_text",
    "frame_locator",
    "click",
    "fill",
    "press",
    "check",
    "select_option",
    "focus",
    "evaluate",
    "screenshot",
    "content",
    "text_content",
    "inner_text",
)
_INPUT_ENTRIES = {
    "keyboard": ("press", "type", "down", "up", "insert_text"),
    "mouse": ("click", "dblclick", "down"),
}
_NAVIGATIONS = ("goto", "reload", "go_back", "go_forward")


def settle_after_navigation(page, timeout_ms: float = EXPECT_TIMEOUT_MS):
    """Make `page` wait for the readiness signal after every main-frame navigation."""
    state = {"pending": False}

    def navigated(frame) -> None:
        if frame == page.main_frame:
            state["pending"] = True

    def settle() -> None:
        if state["pending"]:
            state["pending"] = False
            page.wait_for_function(READY, timeout=timeout_ms)

    def before(method):
        @functools.wraps(method)
        def wrapper(*args, **kwargs):
            settle()
            return method(*args, **kwargs)

        return wrapper

    def after(method):
        @functools.wraps(method)
        def wrapper(*args, **kwargs):
            result = method(*args, **kwargs)
            state["pending"] = True
            settle()
            return result

        return wrapper

    page.on("framenavigated", navigated)
    for name in _PAGE_ENTRIES:
        setattr(page, name, before(getattr(page, name)))
    for name in _NAVIGATIONS:
        setattr(page, name, after(getattr(page, name)))
    for device, names in _INPUT_ENTRIES.items():
        target = getattr(page, device)  # the same wrapper object on every access
        for name in names:
            setattr(target, name, before(getattr(target, name)))
    page.settle = settle
    return page
