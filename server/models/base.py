"""The base model every table derives from."""
import datetime

from peewee import Model

from server.db import db


def utcnow():
    """Naive UTC now: every datetime column stores UTC."""
    return datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)


class BaseModel(Model):
    class Meta:
        database = db
        legacy_table_names = False
