"""Every Flask extension, created once here and bound to the app in ``create_app``."""

from typing import TYPE_CHECKING

from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_mail import Mail
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect

from startsmart.database import Base

db = SQLAlchemy(model_class=Base)
# The base of every model. Flask-SQLAlchemy builds db.Model at run time as a copy of Base (same
# metadata, plus its bind and table-name mixins), which a type checker cannot follow: it sees
# Base, the declarative base db.Model is made from.
if TYPE_CHECKING:
    Model = Base
else:
    Model = db.Model
migrate = Migrate()
mail = Mail()
csrf = CSRFProtect()
login_manager = LoginManager()
babel = Babel()
# Limits are declared per route; storage comes from RATELIMIT_STORAGE_URI.
limiter = Limiter(key_func=get_remote_address)
