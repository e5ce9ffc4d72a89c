package org.crld4j.kernels.opencl;

import org.crld4j.tensor.Device;
import org.crld4j.tensor.DeviceOutOfMemoryException;
import org.crld4j.tensor.DeviceProvider;
import org.crld4j.tensor.DeviceStats;
import org.crld4j.tensor.Devices;
import org.crld4j.tensor.Tensor;
import org.crld4j.testing.Requirements;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** The OpenCL device plumbing: discovery, storage, transfers and their counter, the pool, programs, errors. */
class OpenClDeviceTest {
    /** Device 0 of the OpenCL runtime; skips locally and fails in CI where there is none. */
    static ClDevice device() {
        DeviceProvider.Inventory inv = Devices.provider("opencl").inventory();
        Requirements.require(!inv.devices().isEmpty(), "an OpenCL platform with a device (" + String.join("; ", inv.notes()) + ")",
                "apt-get install ocl-icd-libopencl1 pocl-opencl-icd");
        return (ClDevice) Devices.get("opencl:0");
    }

    @Test
    void devicesAreFoundByNameAndAreTheSameObjectUnderBothNames() {
        ClDevice d = device();
        assertSame(d, Devices.get("opencl:0"));
        Device bare = Devices.get("opencl");
        assertSame(bare, Devices.get(bare.name()));
        assertFalse(d.isHost());
        assertEquals("opencl", d.backend().name());
        assertFalse(d.backend().describe().isBlank());
    }

    @Test
    void anOutOfRangeIndexNamesTheDevicesPresent() {
        device();
        int n = Devices.provider("opencl").inventory().devices().size();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Devices.get("opencl:" + (n + 6)));
        assertTrue(e.getMessage().contains("opencl:" + (n + 6)) && e.getMessage().contains("opencl:0 = "), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Devices.get("opencl:x"));
    }

    @Test
    void uploadDownloadRoundTripsAndIsCounted() {
        ClDevice d = device();
        DeviceStats before = d.stats();
        float[] v = {1f, -2f, Float.NaN, -0f, Float.POSITIVE_INFINITY};
        Tensor t = Tensor.wrap(v.clone(), 5).to(d);
        assertSame(d, t.device());
        assertThrows(UnsupportedOperationException.class, t::array);
        float[] back = t.toArray();
        for (int i = 0; i < v.length; i++) assertEquals(Float.floatToRawIntBits(v[i]), Float.floatToRawIntBits(back[i]), "element " + i);
        DeviceStats delta = d.stats().minus(before);
        assertEquals(1, delta.uploads());
        assertEquals(20, delta.uploadBytes());
        assertEquals(1, delta.downloads());
        assertEquals(20, delta.downloadBytes());
        assertTrue(d.stats().bytesInUse() > 0);
    }

    @Test
    void opsBetweenUploadAndDownloadMoveNothing() {
        ClDevice d = device();
        Tensor a = Tensor.wrap(new float[] {1, 2, 3, 4, 5, 6}, 2, 3).to(d);
        DeviceStats before = d.stats();
        Tensor y = a.mul(2f).add(a.t().t()).sub(1f);
        y = y.add(a.narrow(1, 0, 1));
        assertEquals(0, d.stats().minus(before).transfers(), "elementwise ops on device tensors must not transfer");
        assertArrayEquals(new float[] {3, 6, 9, 15, 18, 21}, y.toArray());
    }

    @Test
    void sizeClassesHaveAtMostAQuarterSlack() {
        assertEquals(256, BufferPool.sizeClass(1));
        assertEquals(256, BufferPool.sizeClass(256));
        assertEquals(320, BufferPool.sizeClass(257));
        assertEquals(1024, BufferPool.sizeClass(1024));
        assertEquals(1280, BufferPool.sizeClass(1025));
        for (long b = 1; b < 1 << 20; b = b * 3 + 1) {
            long c = BufferPool.sizeClass(b);
            assertTrue(c >= b && (b < 256 || c <= b * 1.25 + 1), b + " -> " + c);
            assertEquals(c, BufferPool.sizeClass(c), "a class is its own class");
        }
    }

    @Test
    void unreachableStorageReturnsToThePool() throws InterruptedException {
        ClDevice d = device();
        long created = d.pool().created();
        for (int i = 0; i < 200; i++) {
            d.allocate(1000 + (i % 3), false);
            if (i % 50 == 49) { System.gc(); Thread.sleep(20); }
        }
        assertTrue(d.pool().created() - created < 200, "buffers were reused: " + (d.pool().created() - created) + " created for 200 allocations");
    }

    @Test
    void askingForMoreThanTheDeviceHoldsNamesDeviceAndBytes() {
        ClDevice d = device();
        // PoCL sizes its "global memory" from the host's free RAM: a pool over the device's own
        // context with a small budget makes "full" the same on every machine.
        BufferPool small = new BufferPool(d.name(), d.context(), 1 << 20, 1 << 19);
        DeviceOutOfMemoryException tooBig = assertThrows(DeviceOutOfMemoryException.class, () -> small.acquire(600 << 10));
        assertTrue(tooBig.getMessage().contains(d.name()) && tooBig.getMessage().contains("in one allocation"), tooBig.getMessage());
        List<BufferPool.Buffer> held = new ArrayList<>();
        held.add(small.acquire(400 << 10));
        held.add(small.acquire(400 << 10));
        DeviceOutOfMemoryException full = assertThrows(DeviceOutOfMemoryException.class, () -> small.acquire(400 << 10));
        assertTrue(full.getMessage().contains(d.name()) && full.getMessage().contains("400.0 KiB asked for")
                && full.getMessage().contains("896.0 KiB in use"), full.getMessage()); // two buffers of the 448 KiB size class
        for (BufferPool.Buffer b : held) small.release(b);
        assertNotNull(small.acquire(400 << 10), "the pool serves again once buffers come back");
        small.releaseFree();
        assertNotNull(d.allocate(16, true), "the device still works after the refusal");
    }

    @Test
    void aProgramThatDoesNotBuildNamesPlatformDeviceAndTheLog() {
        ClDevice d = device();
        OpenClException e = assertThrows(OpenClException.class, () -> d.kernel("broken_for_test", "-DX=1", "broken"));
        String m = e.getMessage();
        assertTrue(m.contains(d.name()) && m.contains(d.info().name()) && m.contains(d.info().platformName()), m);
        assertTrue(m.contains("-DX=1") && m.contains("this_is_not_declared"), m);
    }

    @Test
    void programsAreBuiltOncePerSourceAndOptions() {
        ClDevice d = device();
        ClKernel k = d.kernel("elementwise", "", "unary");
        int built = d.programsBuilt();
        assertSame(k, d.kernel("elementwise", "", "unary"));
        assertEquals(built, d.programsBuilt());
        assertNotSame(k, d.kernel("elementwise", "-DUNUSED=1", "unary"));
        assertEquals(built + 1, d.programsBuilt());
    }

    @Test
    void theListingHasEveryDeviceWithItsPlatform() {
        device();
        DeviceProvider.Inventory inv = Devices.provider("opencl").inventory();
        for (int i = 0; i < inv.devices().size(); i++) {
            DeviceProvider.Info info = inv.devices().get(i);
            assertEquals("opencl:" + i, info.id());
            assertTrue(info.globalMemoryBytes() > 0 && info.computeUnits() > 0, info.toString());
            assertFalse(info.name().isBlank() || info.platform().isBlank(), info.toString());
        }
    }

    @Test
    void aBadIndexFailsAtTheNextReadNamingTheOpAndIndex() {
        ClDevice d = device();
        Tensor x = Tensor.wrap(new float[] {1, 2, 3, 4, 5, 6}, 2, 3).to(d);
        Tensor bad = Tensor.wrap(new float[] {0, 3, 1, 2}, 2, 2).to(d);
        Tensor y = x.gather(1, bad); // queued; the kernel finds the 3
        IndexOutOfBoundsException e = assertThrows(IndexOutOfBoundsException.class, y::toArray);
        assertTrue(e.getMessage().contains(d.name()) && e.getMessage().contains("gather") && e.getMessage().contains("[0, 3)")
                && e.getMessage().contains("3.0"), e.getMessage());
        Tensor good = Tensor.wrap(new float[] {0, 2, 1, 1}, 2, 2).to(d);
        assertArrayEquals(new float[] {1, 3, 5, 5}, x.gather(1, good).toArray(), "the fault is cleared once reported");
        Tensor half = Tensor.wrap(new float[] {0.5f}, 1).to(d);
        assertThrows(IndexOutOfBoundsException.class, () -> Tensor.oneHot(half, 3).toArray());
    }

    @Test
    void reductionsRepeatBitForBit() {
        ClDevice d = device();
        Tensor x = Tensor.randn(new org.crld4j.tensor.Rng(3), 37, 1000).to(d);
        float[] a = x.sum(1, false).toArray(), b = x.sum(1, false).toArray();
        assertArrayEquals(a, b);
        assertEquals(x.sum().item(), x.sum().item());
    }

    @Test
    void aLossGradientAndUpdateStayOnTheDevice() {
        ClDevice d = device();
        org.crld4j.tensor.Rng rng = new org.crld4j.tensor.Rng(5);
        Tensor w = Tensor.randn(rng, 7, 10).to(d), x = Tensor.randn(rng, 4, 7).to(d);
        Tensor labels = Tensor.ofInts(new int[] {1, 0, 9, 3}).to(d), one = Tensor.wrap(new float[] {1f}).to(d);
        org.crld4j.tensor.Backend be = d.backend();
        DeviceStats before = d.stats();
        Tensor buf = null;
        for (int step = 0; step < 3; step++) {
            Tensor logits = be.relu(x.matmul(w));
            org.crld4j.tensor.ops.CrossEntropyResult ce = be.crossEntropy(logits, labels);
            Tensor dlogits = be.reluBackward(be.crossEntropyBackward(one, ce), logits);
            buf = be.sgdStep(w, x.t().matmul(dlogits), buf, new org.crld4j.tensor.ops.SgdParams(0.1f, 0.9f, 0f, 5e-4f, true));
        }
        assertEquals(0, d.stats().minus(before).transfers(), "three steps of forward, loss, backward and update on the device");
        assertTrue(Float.isFinite(be.crossEntropy(be.relu(x.matmul(w)), labels).loss().item()));
    }
}
