"""Resources: the settings, the brand configuration, the lake, the platforms' APIs and dbt."""

from __future__ import annotations

import dagster as dg

from assets.ingest.platform_apis import PlatformApis

from .settings import Settings


def platform_apis_from(settings: Settings, config) -> PlatformApis:
    """The platforms' APIs as the settings say (the runs' resource and the listening sensor alike)."""
    return PlatformApis(
        config,
        settings.platform_mode,
        sandbox_urls=settings.sandbox_urls,
        sandbox_seed=settings.sandbox_seed,
        sandbox_now=settings.sandbox_now,
        comment_lookback_days=settings.comment_lookback_days,
    )


def platform_apis_resource(settings: Settings, config) -> dg.ResourceDefinition:
    @dg.resource(description="The platforms' APIs: the embedded sandbox, or the live services")
    def platform_apis(_init_context):
        apis = platform_apis_from(settings, config)
        apis.check_live_credentials()
        try:
            yield apis
        finally:
            apis.close()

    return platform_apis
