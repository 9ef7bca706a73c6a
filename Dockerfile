# asset-host container image (README.md, "Installing"). Two stages: the build stage makes this
# tree's Debian package (scripts/package.sh); the runtime stage installs it on Debian 12 slim,
# where apt resolves its Depends. Runs as a non-root user and works with a read-only root file
# system: manifests and state are volumes, secrets are files (${file:/run/secrets/NAME}).
#   docker build -t asset-host .
#   docker run --read-only -v ./manifests:/etc/asset-host/manifests:ro \
#     -v asset-host-state:/var/lib/asset-host -v ./secrets:/run/secrets:ro -p 9464:9464 asset-host

FROM debian:12 AS build
WORKDIR /src
COPY . .
RUN scripts/package.sh

FROM debian:12-slim
COPY --from=build /src/build/asset-host_*_amd64.deb /tmp/
# curl: the HEALTHCHECK's client. ca-certificates: HTTPS to Okta and Sekoia.
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates curl /tmp/asset-host_*_amd64.deb \
 && rm -rf /var/lib/apt/lists/* /tmp/asset-host_*_amd64.deb \
 && groupadd --system --gid 10001 asset-host \
 && useradd --system --uid 10001 --gid 10001 --no-create-home --shell /usr/sbin/nologin asset-host \
 && install -d -o 10001 -g 10001 -m 0700 /var/lib/asset-host \
 && install -d -m 0755 /etc/asset-host/manifests
# Installed under /usr, asset-host defaults to /etc/asset-host/manifests and /var/lib/asset-host.
# The user and group ids are the pod's runAsUser/runAsGroup/fsGroup (deploy/kubernetes); without
# the groupadd, useradd --system would pick another group id than USER's, and the state directory
# would belong to a group the process is not in (tests/integration/host/deploy_files_test.cpp).
VOLUME ["/var/lib/asset-host"]
ENV ASSET_HOST_LOG_FORMAT=json \
    ASSET_HOST_LISTEN=0.0.0.0:9464
EXPOSE 9464
USER 10001:10001
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s \
  CMD curl -fsS -o /dev/null http://127.0.0.1:9464/healthz || exit 1
ENTRYPOINT ["/usr/bin/asset-host"]
CMD ["run"]
