# DirectLB's image: the Host published in Release on the official .NET images, run as the non-root user 1654.
#
#   docker build -t ghcr.io/example/directlb:0.1.0 --build-arg SOURCE_REVISION=$(git rev-parse HEAD) .
#   docker build --target haproxy -t ghcr.io/example/directlb:0.1.0-haproxy .    # with HAProxy, for --provider haproxy
#
# The tag is the release: <Version> in Directory.Build.props, which is also the Helm chart's appVersion.
# tests/DirectLB.Image.Tests checks this file against the publish output and the chart.

ARG DOTNET_VERSION=10.0

FROM mcr.microsoft.com/dotnet/sdk:${DOTNET_VERSION} AS build
WORKDIR /src
# The project files first: the restore layer is reused as long as no package changes.
COPY global.json Directory.Build.props Directory.Packages.props ./
COPY src/Actors/DirectLB.Actors.csproj src/Actors/
COPY src/Providers/DirectLB.Providers.csproj src/Providers/
COPY src/KubeApiServer/DirectLB.KubeApiServer.csproj src/KubeApiServer/
COPY src/Host/DirectLB.Host.csproj src/Host/
RUN dotnet restore src/Host/DirectLB.Host.csproj
COPY src/ src/
# The commit goes into `directlb --version` (the build context has no .git).
ARG SOURCE_REVISION=
# /state becomes the state volume, owned by the runtime user; not empty, as COPY may skip an empty directory.
RUN dotnet publish src/Host/DirectLB.Host.csproj -c Release --no-restore -o /app -p:UseAppHost=false -p:SourceRevisionId=${SOURCE_REVISION} \
 && mkdir /state && touch /state/.keep

# With HAProxy (Ubuntu's package, 2.8), for the HAProxy provider in the pod: one replica, VIPs on the pod's (or
# with hostNetwork, the node's) addresses, ports from 1024 up unless the container is given NET_BIND_SERVICE.
FROM mcr.microsoft.com/dotnet/aspnet:${DOTNET_VERSION}-noble AS haproxy
RUN apt-get update \
 && apt-get install -y --no-install-recommends haproxy \
 && rm -rf /var/lib/apt/lists/*
COPY --from=build /app/ /app/
COPY --from=build --chown=1654:1654 /state/ /var/lib/directlb/
# Listen on every interface (the chart passes --listen too); no HTTP_PORTS, which --listen overrides with a warning.
# DOTNET_TC_CallCountingDelayMs=0: code called often is optimized at once, not only after 100 ms without a new method
# compiled, which a replica in a burst of work (a failover's recoveries) does not see (README, "The image").
ENV ASPNETCORE_HTTP_PORTS= \
    DIRECTLB_DirectLB__Listen=http://0.0.0.0:8080 \
    DOTNET_TC_CallCountingDelayMs=0
USER 1654:1654
# The only place written to: the default SQLite journal (directlb.db) and the HAProxy state (haproxy/).
WORKDIR /var/lib/directlb
VOLUME /var/lib/directlb
EXPOSE 8080 4053
ENTRYPOINT ["dotnet", "/app/directlb.dll"]

# The default image: chiseled (no shell, no package manager), for the http and simulated providers.
FROM mcr.microsoft.com/dotnet/aspnet:${DOTNET_VERSION}-noble-chiseled AS runtime
COPY --from=build /app/ /app/
COPY --from=build --chown=1654:1654 /state/ /var/lib/directlb/
ENV ASPNETCORE_HTTP_PORTS= \
    DIRECTLB_DirectLB__Listen=http://0.0.0.0:8080 \
    DOTNET_TC_CallCountingDelayMs=0
USER 1654:1654
WORKDIR /var/lib/directlb
VOLUME /var/lib/directlb
EXPOSE 8080 4053
ENTRYPOINT ["dotnet", "/app/directlb.dll"]
