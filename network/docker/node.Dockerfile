# Local stand-in for the official Node image the project Dockerfiles start FROM
# (node:<major>-<suite>-slim), for machines that cannot pull it: a minimal Debian rootfs
# (debootstrap --variant=minbase, imported as BASE_IMAGE) plus this machine's node and
# npm, laid out like the official image (/usr/local/bin/node, npm and npx under
# /usr/local/lib/node_modules, user and group `node` with uid/gid 1000, CMD node).
# network/scripts/build-images.sh assembles the context (node, npm/, extra-ca-certs.pem)
# and tags the result as the official image.
#
# EXTRA_CA_CERTS: when this machine reaches the npm registry through a TLS-intercepting
# proxy (its NODE_EXTRA_CA_CERTS is set), its CA bundle is copied in and named by
# NODE_EXTRA_CA_CERTS so that `npm ci` inside the project builds trusts it too; empty
# (the official image's behaviour) otherwise.

ARG BASE_IMAGE
FROM ${BASE_IMAGE}
COPY node /usr/local/bin/node
COPY npm/ /usr/local/lib/node_modules/npm/
COPY extra-ca-certs.pem /usr/local/share/ecch/extra-ca-certs.pem
RUN groupadd --gid 1000 node \
 && useradd --uid 1000 --gid node --shell /bin/bash --create-home node \
 && ln -s ../lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm \
 && ln -s ../lib/node_modules/npm/bin/npx-cli.js /usr/local/bin/npx \
 && node --version && npm --version
ARG NODE_VERSION
ARG EXTRA_CA_CERTS=
ENV NODE_VERSION=${NODE_VERSION} \
    NODE_EXTRA_CA_CERTS=${EXTRA_CA_CERTS}
LABEL org.opencontainers.image.description="Local build of the Node image (network/scripts/build-images.sh): Debian minbase + this machine's node, not the official one"
CMD ["node"]
