package dev.flint.shell.linux;

/**
 * The kernel's UDP offloads on a {@link LinuxUdpSocket}: as asked for when binding, or as active
 * (which can only be fewer: the kernel may lack one, and GSO is dropped when its first send fails).
 *
 * @param gso segmentation on send ({@code UDP_SEGMENT}, Linux 4.18): runs of equal datagrams to one
 *            destination leave in one system call as one super-datagram
 * @param gro coalescing on receive ({@code UDP_GRO}, Linux 5.0): the kernel hands over runs of
 *            datagrams of one flow as one super-datagram, which the socket splits back into slots
 */
public record UdpOffloads(boolean gso, boolean gro) {

    public static final UdpOffloads ALL = new UdpOffloads(true, true);
    public static final UdpOffloads NONE = new UdpOffloads(false, false);

    @Override
    public String toString() {
        return "GSO " + (gso ? "on" : "off") + ", GRO " + (gro ? "on" : "off");
    }
}
