/**
 * The Java face of the project's native kernels (issue 5): Isolation Forest scoring
 * ({@link io.dwcp.jni.ForestScorer}) and window packing ({@link io.dwcp.jni.WindowPacker}), each in pure
 * Java (the reference), C and CUDA, chosen CUDA &gt; C &gt; Java by {@link io.dwcp.jni.Kernels}, with
 * Netty-style availability probes ({@link io.dwcp.jni.NativeCpu}, {@link io.dwcp.jni.NativeCuda}) and
 * kill switches {@code -Ddwcp.native.disable=true}, {@code -Ddwcp.cuda.disable=true}.
 */
package io.dwcp.jni;
