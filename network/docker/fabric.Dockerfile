# Local stand-ins for the official hyperledger/fabric-orderer and hyperledger/fabric-peer
# images, for machines that cannot pull them (network/scripts/build-images.sh builds them
# and tags them as the official ones). FROM scratch: the statically linked (CGO_ENABLED=0)
# binaries of the pinned Fabric commit plus what the official images provide that the
# ECCH network relies on:
#   - FABRIC_CFG_PATH=/etc/hyperledger/fabric holding core.yaml / orderer.yaml
#     (docker-compose.yaml mounts network/config over it anyway);
#   - /var/hyperledger/production for the ledgers (a volume in docker-compose.yaml);
#   - in the peer image, the chaincode-as-a-service builder at the path core.yaml's
#     chaincode.externalBuilders names (/opt/ecch/ccaas-builder, also mounted by compose),
#     and a POSIX shell for its scripts: Debian's statically linked busybox with its
#     applets (sh, cp, mkdir, tr, grep, cat, ...) linked into /bin;
#   - a writable /tmp (the peer unpacks chaincode packages there).
# Build context (assembled by build-images.sh): bin/{orderer,peer}, busybox, config/,
# ccaas-builder/.

FROM scratch AS base
COPY busybox /bin/busybox
RUN ["/bin/busybox", "--install", "-s", "/bin"]
RUN mkdir -p /tmp /etc/hyperledger/fabric /var/hyperledger/production /root \
 && chmod 1777 /tmp \
 && echo 'root:x:0:0:root:/root:/bin/sh' >/etc/passwd \
 && echo 'root:x:0:' >/etc/group
COPY config/ /etc/hyperledger/fabric/
ARG FABRIC_VERSION
ENV FABRIC_CFG_PATH=/etc/hyperledger/fabric \
    FABRIC_VER=${FABRIC_VERSION} \
    PATH=/usr/local/bin:/bin
LABEL org.opencontainers.image.description="Local build of the Hyperledger Fabric image (network/scripts/build-images.sh), not the official one"
WORKDIR /root
VOLUME /var/hyperledger

FROM base AS orderer
COPY bin/orderer /usr/local/bin/orderer
EXPOSE 7050
CMD ["orderer"]

FROM base AS peer
COPY bin/peer /usr/local/bin/peer
COPY ccaas-builder/ /opt/ecch/ccaas-builder/
EXPOSE 7051
CMD ["peer", "node", "start"]
