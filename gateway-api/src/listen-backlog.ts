/**
 * The listening socket's accept queue: connections the kernel has completed but the
 * gateway has not yet accepted. Node's default (511) overflowed when 1,000 households
 * connected at once while the event loop was busy with their transactions: the kernel
 * counted thousands of listen overflows and the clients of 2–4 % of those connections
 * saw `ECONNRESET` before any answer (bench/results/concurrency-r7.md). The kernel caps
 * the value at net.core.somaxconn.
 */
export const LISTEN_BACKLOG = 2048;
