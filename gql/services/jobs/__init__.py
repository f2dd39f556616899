"""Planning jobs off the request path (issue 19): queue, scope, and the worker's loop."""
