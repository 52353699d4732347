{%- set description = cookiecutter.package_description | replace('\\', '\\\\') | replace('"', '\\"') -%}
"""{{ description if description.strip() else cookiecutter.package_name }}"""

from {{ cookiecutter.package_name }}.model.pipeline import Numbers, Scaled, Summary
from {{ cookiecutter.package_name }}.model.sample import Sample

__all__ = ["Numbers", "Sample", "Scaled", "Summary"]
