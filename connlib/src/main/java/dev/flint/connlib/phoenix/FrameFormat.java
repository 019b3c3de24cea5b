package dev.flint.connlib.phoenix;

/**
 * The two Phoenix wire serializers. Firezone peers never send {@code vsn}, so they get V1 objects
 * ({@code {"topic","event","payload","ref"}}); the Phoenix JS client sends {@code vsn=2.0.0} and uses V2 arrays
 * ({@code [join_ref, ref, topic, event, payload]}).
 */
public enum FrameFormat {
    V1_OBJECT, V2_ARRAY;

    /** The serializer a Phoenix server picks for the socket's {@code vsn} query parameter (absent means 1.0.0). */
    public static FrameFormat forVsn(String vsn) {
        return vsn != null && vsn.startsWith("2.") ? V2_ARRAY : V1_OBJECT;
    }
}
