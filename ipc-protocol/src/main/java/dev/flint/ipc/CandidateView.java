package dev.flint.ipc;

/**
 * One end of a connection's path: the ICE candidate type ({@code host}, {@code srflx}, {@code prflx},
 * {@code relay}) and its address as {@code ip:port} ({@code [v6]:port}).
 */
public record CandidateView(String type, String address) {
    public CandidateView {
        InvalidFieldException.requireNonBlank(type, "type");
        InvalidFieldException.requireNonBlank(address, "address");
    }
}
