"""The field every contracts model keeps money in: pounds to the penny."""

from django.db import models


def money_field(**kwargs):
    return models.DecimalField(max_digits=14, decimal_places=2, **kwargs)
