package org.crld4j.nn.io;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * A Python pickle reader (protocols 0-5, the opcodes that state dicts and numpy arrays use) that
 * never executes anything: GLOBAL and STACK_GLOBAL resolve only names on an allow-list, each to a
 * Java factory; any other global is refused, naming it, before it could be called. Python values
 * map to Java as: None = null, bool = Boolean, int = Long (BigInteger if huge), float = Double,
 * str = String, bytes = byte[], tuple = {@link Tuple}, list = ArrayList, dict = LinkedHashMap.
 */
public final class Unpickler {
    /** A Python tuple. */
    public record Tuple(List<Object> items) {
        public Object get(int i) { return items.get(i); }
        public int size() { return items.size(); }
    }

    /** An allowed global: module, name and the factory REDUCE and NEWOBJ call. */
    public record Global(String module, String name, Function<List<Object>, Object> factory) {
        public String qualified() { return module + "." + name; }
    }

    /** An object built by NEWOBJ/REDUCE whose state arrives later through BUILD (e.g. numpy arrays). */
    public interface Buildable { void setState(Object state); }

    private static final Object MARK = new Object();

    private final String source;
    private final ByteBuffer in;
    private final Map<String, Function<List<Object>, Object>> allowed;
    private final Function<Object, Object> persistentLoad;
    private final List<Object> stack = new ArrayList<>();
    private final Map<Integer, Object> memo = new HashMap<>();
    private final List<Integer> marks = new ArrayList<>();

    /**
     * @param source         file (and entry) name for error messages
     * @param allowed        "module.name" to factory
     * @param persistentLoad resolves BINPERSID/PERSID ids (null: persistent ids are refused)
     */
    public Unpickler(String source, ByteBuffer in, Map<String, Function<List<Object>, Object>> allowed,
                     Function<Object, Object> persistentLoad) {
        this.source = source;
        this.in = in.order(ByteOrder.LITTLE_ENDIAN);
        this.allowed = allowed;
        this.persistentLoad = persistentLoad;
    }

    private IOException error(String what) {
        return new IOException(source + ": pickle " + what + " at byte " + in.position());
    }

    private int u8() throws IOException {
        if (!in.hasRemaining()) throw error("truncated");
        return in.get() & 0xff;
    }

    private byte[] bytes(long n) throws IOException {
        if (n < 0 || n > in.remaining()) throw error("truncated (needs " + n + " bytes, " + in.remaining() + " left)");
        byte[] b = new byte[(int) n];
        in.get(b);
        return b;
    }

    private int i32() throws IOException {
        if (in.remaining() < 4) throw error("truncated");
        return in.getInt();
    }

    private String line() throws IOException {
        StringBuilder sb = new StringBuilder();
        while (true) {
            int c = u8();
            if (c == '\n') return sb.toString();
            sb.append((char) c);
        }
    }

    private Object pop() throws IOException {
        if (stack.isEmpty()) throw error("stack underflow");
        Object o = stack.remove(stack.size() - 1);
        if (o == MARK) throw error("unexpected MARK");
        return o;
    }

    private Object top() throws IOException {
        if (stack.isEmpty()) throw error("stack underflow");
        return stack.get(stack.size() - 1);
    }

    private List<Object> popMark() throws IOException {
        if (marks.isEmpty()) throw error("no MARK");
        int at = marks.remove(marks.size() - 1);
        List<Object> items = new ArrayList<>(stack.subList(at + 1, stack.size()));
        stack.subList(at, stack.size()).clear();
        return items;
    }

    private void push(Object o) { stack.add(o); }

    private Global global(String module, String name) throws IOException {
        String q = module + "." + name;
        Function<List<Object>, Object> f = allowed.get(q);
        if (f == null)
            throw new IOException(source + ": refusing pickle global '" + q + "' (only " + String.join(", ", allowed.keySet())
                    + " are allowed; nothing was executed)");
        return new Global(module, name, f);
    }

    @SuppressWarnings("unchecked")
    public Object load() throws IOException {
        while (true) {
            int op = u8();
            switch (op) {
                case 0x80 -> u8(); // PROTO
                case 0x95 -> bytes(8); // FRAME: frames are just a length prefix here
                case '.' -> { // STOP
                    Object r = pop();
                    if (!stack.isEmpty()) throw error("stack not empty at STOP");
                    return r;
                }
                case '(' -> { marks.add(stack.size()); push(MARK); }
                case 'N' -> push(null);
                case 0x88 -> push(Boolean.TRUE);
                case 0x89 -> push(Boolean.FALSE);
                case 'J' -> push((long) i32());
                case 'K' -> push((long) u8());
                case 'M' -> push((long) (u8() | (u8() << 8)));
                case 'I' -> {
                    String s = line();
                    push(s.equals("01") ? Boolean.TRUE : s.equals("00") ? Boolean.FALSE : Long.parseLong(s));
                }
                case 'L' -> push(new BigInteger(line().replace("L", "")));
                case 0x8a -> push(longFrom(bytes(u8())));
                case 0x8b -> push(longFrom(bytes(i32())));
                case 'G' -> { in.order(ByteOrder.BIG_ENDIAN); double d = in.getDouble(); in.order(ByteOrder.LITTLE_ENDIAN); push(d); }
                case 'F' -> push(Double.parseDouble(line()));
                case 'X' -> push(new String(bytes(Integer.toUnsignedLong(i32())), StandardCharsets.UTF_8));
                case 0x8c -> push(new String(bytes(u8()), StandardCharsets.UTF_8));
                case 0x8d -> push(new String(bytes(in.getLong()), StandardCharsets.UTF_8));
                case 'T' -> push(new String(bytes(Integer.toUnsignedLong(i32())), StandardCharsets.ISO_8859_1));
                case 'U' -> push(new String(bytes(u8()), StandardCharsets.ISO_8859_1));
                case 'B' -> push(bytes(Integer.toUnsignedLong(i32())));
                case 'C' -> push(bytes(u8()));
                case 0x8e -> push(bytes(in.getLong()));
                case ')' -> push(new Tuple(List.of()));
                case 0x85 -> push(new Tuple(listOf(pop())));
                case 0x86 -> { Object b = pop(), a = pop(); push(new Tuple(listOf(a, b))); }
                case 0x87 -> { Object c = pop(), b = pop(), a = pop(); push(new Tuple(listOf(a, b, c))); }
                case 't' -> push(new Tuple(popMark()));
                case ']' -> push(new ArrayList<>());
                case 'l' -> push(new ArrayList<>(popMark()));
                case '}' -> push(new LinkedHashMap<>());
                case 'd' -> {
                    List<Object> kv = popMark();
                    Map<Object, Object> m = new LinkedHashMap<>();
                    for (int i = 0; i + 1 < kv.size(); i += 2) m.put(kv.get(i), kv.get(i + 1));
                    push(m);
                }
                case 'a' -> { Object v = pop(); asList(top()).add(v); }
                case 'e' -> { List<Object> items = popMark(); asList(top()).addAll(items); }
                case 's' -> { Object v = pop(), k = pop(); asMap(top()).put(k, v); }
                case 'u' -> {
                    List<Object> kv = popMark();
                    Map<Object, Object> m = asMap(top());
                    for (int i = 0; i + 1 < kv.size(); i += 2) m.put(kv.get(i), kv.get(i + 1));
                }
                case 'p' -> memo.put(Integer.parseInt(line()), top());
                case 'q' -> memo.put(u8(), top());
                case 'r' -> memo.put(i32(), top());
                case 0x94 -> memo.put(memo.size(), top());
                case 'g' -> push(memoGet(Integer.parseInt(line())));
                case 'h' -> push(memoGet(u8()));
                case 'j' -> push(memoGet(i32()));
                case 'c' -> { String module = line(); push(global(module, line())); }
                case 0x93 -> { Object name = pop(), module = pop(); push(global(String.valueOf(module), String.valueOf(name))); }
                case 'R' -> {
                    Object args = pop(), fn = pop();
                    push(call(fn, args));
                }
                case 0x81 -> { // NEWOBJ: cls.__new__(cls, *args)
                    Object args = pop(), cls = pop();
                    push(call(cls, args));
                }
                case 'b' -> { // BUILD
                    Object state = pop();
                    Object target = top();
                    if (target instanceof Buildable bl) {
                        try {
                            bl.setState(state);
                        } catch (RuntimeException e) {
                            throw new IOException(source + ": " + e.getMessage(), e);
                        }
                    }
                    else if (!(target instanceof Map)) throw error("BUILD on unsupported object " + describe(target));
                    // dict targets (OrderedDict with _metadata) keep their items; the attribute state is dropped
                }
                case 'Q' -> {
                    Object pid = pop();
                    if (persistentLoad == null) throw error("persistent id not allowed here");
                    push(persistentLoad.apply(pid));
                }
                case 'P' -> {
                    String pid = line();
                    if (persistentLoad == null) throw error("persistent id not allowed here");
                    push(persistentLoad.apply(pid));
                }
                case '0' -> pop();
                case '1' -> popMark();
                case '2' -> push(top());
                default -> throw error(String.format("opcode 0x%02x is not supported", op));
            }
        }
    }

    private static List<Object> listOf(Object... xs) {
        List<Object> l = new ArrayList<>(xs.length);
        for (Object x : xs) l.add(x);
        return l;
    }

    private Object call(Object fn, Object args) throws IOException {
        if (!(fn instanceof Global g)) throw error("call of a non-global " + describe(fn));
        if (!(args instanceof Tuple t)) throw error("arguments of " + g.qualified() + " are not a tuple");
        try {
            return g.factory().apply(t.items());
        } catch (RuntimeException e) {
            throw new IOException(source + ": " + g.qualified() + ": " + e.getMessage(), e);
        }
    }

    private Object memoGet(int i) throws IOException {
        if (!memo.containsKey(i)) throw error("memo key " + i + " not found");
        return memo.get(i);
    }

    @SuppressWarnings("unchecked")
    private List<Object> asList(Object o) throws IOException {
        if (o instanceof List<?> l) return (List<Object>) l;
        throw error("APPEND to " + describe(o));
    }

    @SuppressWarnings("unchecked")
    private Map<Object, Object> asMap(Object o) throws IOException {
        if (o instanceof Map<?, ?> m) return (Map<Object, Object>) m;
        throw error("SETITEM on " + describe(o));
    }

    private static String describe(Object o) { return o == null ? "None" : o.getClass().getSimpleName(); }

    private static Object longFrom(byte[] le) {
        if (le.length == 0) return 0L;
        byte[] be = new byte[le.length];
        for (int i = 0; i < le.length; i++) be[i] = le[le.length - 1 - i];
        BigInteger v = new BigInteger(be);
        return v.bitLength() < 64 ? (Object) v.longValue() : v;
    }
}
