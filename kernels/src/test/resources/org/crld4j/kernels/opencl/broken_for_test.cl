// Deliberately does not compile: OpenClDeviceTest checks the build failure's message.
KERNEL void broken(GLOBAL float* out) {
    out[0] = this_is_not_declared;
}
