# ferrule, as a container: `docker build -t ferrule .` then see deploy/kubernetes/.
# Build stage: the workspace in release (the Python package is not part of it).
FROM rust:1-bookworm AS build
WORKDIR /src
COPY . .
RUN cargo build --release --locked --bin ferrule \
 && strip target/release/ferrule

# Runtime: Debian slim with CA certificates (jwks_url, https backends may trust the
# system bundle), no shell tools beyond the base, a non-root user.
FROM debian:bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --gid 10001 ferrule \
 && useradd --uid 10001 --gid 10001 --no-create-home --shell /usr/sbin/nologin ferrule
COPY --from=build /src/target/release/ferrule /usr/local/bin/ferrule
USER 10001:10001
# API, and the operator endpoints when admin_listen is set (probes, /metrics).
EXPOSE 8080 9090
ENTRYPOINT ["/usr/local/bin/ferrule"]
CMD ["serve", "--config", "/etc/ferrule/ferrule.toml"]
