package dev.ringalloc.netty;

import io.netty.util.internal.PlatformDependent;
import org.junit.jupiter.api.BeforeAll;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The ByteBuf contract with memory-address (Unsafe) access. */
class AddressAccessContractTest extends RingByteBufContractTest {

    @BeforeAll
    static void unsafeAvailable() {
        assumeTrue(PlatformDependent.hasUnsafe() && PlatformDependent.isUnaligned(), "no Unsafe");
    }

    @Override
    boolean addressAccess() {
        return true;
    }
}
