package dev.flint.ipc.frame;

import com.fasterxml.jackson.annotation.JsonTypeName;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.InvalidTypeIdException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flint.ipc.FlintVersion;
import dev.flint.ipc.GuiMessage;
import dev.flint.ipc.InstanceMessage;
import dev.flint.ipc.InvalidFieldException;
import dev.flint.ipc.ProtocolVersion;
import dev.flint.ipc.ServiceMessage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.net.URI;
import java.util.UUID;

/**
 * Converts one message family (a sealed interface of records) to and from JSON payloads. The wire
 * {@code "type"} of each record is its {@link JsonTypeName}; the family's permitted subclasses are
 * the whole vocabulary, so adding a record to the sealed interface adds it to the codec.
 */
public final class MessageCodec<M> {
    private static final MessageCodec<ServiceMessage> SERVICE = new MessageCodec<>(ServiceMessage.class);
    private static final MessageCodec<GuiMessage> GUI = new MessageCodec<>(GuiMessage.class);
    private static final MessageCodec<InstanceMessage> INSTANCE = new MessageCodec<>(InstanceMessage.class);

    private final Class<M> family;
    private final Map<String, Class<? extends M>> typesByName;
    private final Map<Class<?>, String> namesByType;
    private final JsonMapper mapper = IpcJson.newMapper();

    private MessageCodec(Class<M> family) {
        this.family = family;
        Map<String, Class<? extends M>> byName = new LinkedHashMap<>();
        Map<Class<?>, String> byType = new LinkedHashMap<>();
        for (Class<?> subclass : family.getPermittedSubclasses()) {
            JsonTypeName name = subclass.getAnnotation(JsonTypeName.class);
            if (name == null || name.value().isBlank()) {
                throw new IllegalStateException(subclass.getName() + " has no @JsonTypeName");
            }
            if (byName.putIfAbsent(name.value(), subclass.asSubclass(family)) != null) {
                throw new IllegalStateException("Duplicate wire type \"" + name.value() + "\" in " + family.getName());
            }
            byType.put(subclass, name.value());
        }
        this.typesByName = Collections.unmodifiableMap(byName);
        this.namesByType = Collections.unmodifiableMap(byType);
    }

    /** Messages the service sends; the GUI decodes with this. */
    public static MessageCodec<ServiceMessage> serviceMessages() {
        return SERVICE;
    }

    /** Messages the GUI sends; the service decodes with this. */
    public static MessageCodec<GuiMessage> guiMessages() {
        return GUI;
    }

    /** Messages between two GUI instances. */
    public static MessageCodec<InstanceMessage> instanceMessages() {
        return INSTANCE;
    }

    public Class<M> family() {
        return family;
    }

    /** Wire type names of this family, in declaration order. */
    public Map<String, Class<? extends M>> types() {
        return typesByName;
    }

    public String typeName(M message) {
        return namesByType.get(message.getClass());
    }

    /** The JSON payload of one frame: {@code {"type":"...", fields...}}, compact UTF-8. */
    public byte[] encode(M message) {
        String type = typeName(message);
        ObjectNode fields = mapper.valueToTree(message);
        ObjectNode object = mapper.createObjectNode();
        object.put("type", type);
        object.setAll(fields);
        try {
            return mapper.writeValueAsBytes(object);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("Cannot encode " + type, e);
        }
    }

    /** Decodes one frame's payload. Never throws: every failure is a {@link DecodeResult.Rejected}. */
    public DecodeResult<M> decode(byte[] payload) {
        return decode(payload, 0, payload.length);
    }

    public DecodeResult<M> decode(byte[] payload, int offset, int length) {
        JsonNode tree;
        try {
            tree = mapper.readTree(payload, offset, length);
        } catch (StreamConstraintsException e) {
            return rejected(new FrameProblem.MalformedJson("exceeds a parser limit (nesting, string or number size)"));
        } catch (JsonProcessingException e) {
            return rejected(new FrameProblem.MalformedJson(describeLocation(e)));
        } catch (IOException | RuntimeException e) {
            return rejected(new FrameProblem.MalformedJson(e.getClass().getSimpleName()));
        }
        if (tree == null || tree.isMissingNode()) {
            return rejected(new FrameProblem.MalformedJson("empty payload"));
        }
        if (!tree.isObject()) {
            return rejected(new FrameProblem.MalformedJson("top level is " + tree.getNodeType().name().toLowerCase() + ", not an object"));
        }
        JsonNode typeNode = tree.get("type");
        if (typeNode == null || !typeNode.isTextual()) {
            return rejected(new FrameProblem.MissingType());
        }
        String type = typeNode.textValue();
        Class<? extends M> target = typesByName.get(type);
        if (target == null) {
            return rejected(new FrameProblem.UnknownType(type));
        }
        try {
            return new DecodeResult.Decoded<>(mapper.treeToValue(tree, target));
        } catch (JsonProcessingException | IllegalArgumentException e) {
            if (target == ServiceMessage.Hello.class && otherProtocolVersion(tree) instanceof FrameProblem.VersionMismatch v) {
                return rejected(v);
            }
            return rejected(BadFieldDescription.of(type, e));
        } catch (RuntimeException e) {
            return rejected(new FrameProblem.BadField(type, "", e.getClass().getSimpleName()));
        }
    }

    private static FrameProblem otherProtocolVersion(JsonNode hello) {
        JsonNode protocol = hello.get("protocol_version");
        if (protocol == null || !protocol.canConvertToInt() || protocol.intValue() == ProtocolVersion.CURRENT) {
            return null;
        }
        JsonNode version = hello.get("service_version");
        return new FrameProblem.VersionMismatch(protocol.intValue(),
                version != null && version.isTextual() ? version.textValue() : "(unknown)", FlintVersion.current());
    }

    private static String describeLocation(JsonProcessingException e) {
        String message = e.getOriginalMessage();
        if (message != null && message.startsWith("Duplicate field ")) {
            return "duplicate field " + message.substring("Duplicate field ".length()).replaceAll("[^\\w'\"]", "");
        }
        var location = e.getLocation();
        if (location == null) {
            return "invalid JSON";
        }
        return "invalid JSON at line " + location.getLineNr() + " column " + location.getColumnNr();
    }

    private DecodeResult<M> rejected(FrameProblem problem) {
        return new DecodeResult.Rejected<>(problem);
    }

    /** Turns a Jackson or record-constructor failure into a field path and a value-free explanation. */
    private static final class BadFieldDescription {
        private BadFieldDescription() {}

        static FrameProblem of(String type, Exception e) {
            String path = e instanceof JsonMappingException jme ? path(jme) : "";
            InvalidFieldException invalid = findInvalidField(e);
            if (invalid != null) {
                return new FrameProblem.BadField(type, join(path, invalid.field()), invalid.problem());
            }
            String detail = switch (e) {
                case InvalidTypeIdException t -> "unknown variant \"" + t.getTypeId() + "\"";
                case InvalidFormatException f when f.getValue() instanceof String && f.getTargetType() == UUID.class ->
                        "is not a UUID";
                case InvalidFormatException f when f.getValue() instanceof String && f.getTargetType() == URI.class ->
                        "is not a URL";
                case MismatchedInputException m when m.getOriginalMessage().startsWith("Missing ") -> "is missing";
                case MismatchedInputException m when m.getOriginalMessage().startsWith("Cannot map `null`") -> "is null";
                case MismatchedInputException m -> "expected " + describe(m.getTargetType());
                case ValueInstantiationException v -> "rejected (" + v.getCause().getClass().getSimpleName() + ")";
                default -> "rejected (" + e.getClass().getSimpleName() + ")";
            };
            return new FrameProblem.BadField(type, path, detail);
        }

        private static String describe(Class<?> target) {
            if (target == null) {
                return "another JSON type";
            }
            if (target == int.class || target == Integer.class || target == long.class) {
                return "an integer";
            }
            if (target == boolean.class || target == Boolean.class) {
                return "a boolean";
            }
            if (target == String.class || target == URI.class || target == UUID.class) {
                return "a string";
            }
            if (java.util.Collection.class.isAssignableFrom(target)) {
                return "an array";
            }
            if (target.isEnum()) {
                return "one of " + java.util.Arrays.toString(target.getEnumConstants()).toLowerCase();
            }
            return "an object";
        }

        private static InvalidFieldException findInvalidField(Throwable e) {
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t instanceof InvalidFieldException invalid) {
                    return invalid;
                }
            }
            return null;
        }

        private static String path(JsonMappingException e) {
            StringBuilder sb = new StringBuilder();
            for (JsonMappingException.Reference ref : e.getPath()) {
                if (ref.getFieldName() != null) {
                    if (!sb.isEmpty()) {
                        sb.append('.');
                    }
                    sb.append(ref.getFieldName());
                } else if (ref.getIndex() >= 0) {
                    sb.append('[').append(ref.getIndex()).append(']');
                }
            }
            return sb.toString();
        }

        private static String join(String path, String field) {
            if (path.isEmpty()) {
                return field;
            }
            if (field.isEmpty() || path.endsWith(field)) {
                return path;
            }
            return path + "." + field;
        }
    }
}
