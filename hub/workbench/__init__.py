"""工作台: what is waiting for the signed-in person across the hub (the home page and
``GET /api/v1/me/todo``).  Each feature's access module says what waits there
(``todo_for``); this package only puts the answers together, in order, with their links."""
