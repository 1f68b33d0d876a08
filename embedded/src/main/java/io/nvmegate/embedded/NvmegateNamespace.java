package io.nvmegate.embedded;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** A namespace of every subsystem of an {@link NvmegateTest} target. */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({})
public @interface NvmegateNamespace {
    /** Namespace ID (1..0xFFFFFFFE). */
    int nsid() default 1;

    /** Capacity: bytes, or with a K/M/G/T suffix (binary units); thin-provisioned. */
    String size() default "64M";

    /** Logical block size in bytes: 512 or 4096. */
    int blockSize() default 4096;
}
