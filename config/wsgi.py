import os

from django.conf import settings
from django.core.wsgi import get_wsgi_application

from core import watchdog

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()
if os.environ.get(watchdog.ENV_MARK):  # a worker of config.serve: one request at a time
    watchdog.start(settings.WEB_REQUEST_TIMEOUT_SECONDS)
