{%- set description = cookiecutter.package_description | replace('\\', '\\\\') | replace('"', '\\"') -%}
"""{{ description if description.strip() else cookiecutter.package_name }}"""

from {{ cookiecutter.package_name }}.model.pipeline import Fit, Measurements, Score
from {{ cookiecutter.package_name }}.model.sample import Sample

__all__ = ["Fit", "Measurements", "Sample", "Score"]
