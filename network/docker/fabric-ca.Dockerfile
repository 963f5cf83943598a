# Local stand-in for the official hyperledger/fabric-ca image, for machines that cannot
# pull it (network/scripts/build-images.sh builds it and tags it as the official one).
# fabric-ca-server needs cgo (its SQLite driver), so the binaries install-binaries.sh
# builds link against glibc: the image is the same Debian minbase rootfs the local Node
# image starts from (BASE_IMAGE, the host's Debian release, hence the same glibc), plus
# the two binaries, laid out like the official image:
#   - fabric-ca-server and fabric-ca-client in /usr/local/bin;
#   - FABRIC_CA_HOME=/etc/hyperledger/fabric-ca-server;
#   - port 7054, and the official image's default command (docker-compose.yaml runs its
#     own: a home of its own, TLS, the bootstrap admin's secret from a file).
# Build context (assembled by build-images.sh): bin/{fabric-ca-server,fabric-ca-client}.

ARG BASE_IMAGE
FROM ${BASE_IMAGE}
COPY bin/fabric-ca-server bin/fabric-ca-client /usr/local/bin/
RUN mkdir -p /etc/hyperledger/fabric-ca-server /var/hyperledger/fabric-ca-server \
 && fabric-ca-server version && fabric-ca-client version
ARG FABRIC_CA_VERSION
ENV FABRIC_CA_HOME=/etc/hyperledger/fabric-ca-server \
    FABRIC_CA_VERSION=${FABRIC_CA_VERSION}
LABEL org.opencontainers.image.description="Local build of the Hyperledger Fabric CA image (network/scripts/build-images.sh): Debian minbase + fabric-ca-server/-client built with cgo, not the official one"
EXPOSE 7054
CMD ["sh", "-c", "fabric-ca-server start -b admin:adminpw"]
