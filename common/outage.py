"""What the site does when its database cannot be reached: which errors mean that, and how long
a visitor is asked to wait. The middleware answers pages with it; forms keep what was typed."""

from django.db import InterfaceError, OperationalError

# The errors of a database that cannot be reached or stopped answering (connection refused or
# lost, server shutting down, too many clients, a statement cancelled): worth trying again later.
DATABASE_UNAVAILABLE = (OperationalError, InterfaceError)
# Seconds a visitor (or a crawler, or a load balancer) is asked to wait before trying again.
RETRY_AFTER_SECONDS = 60
