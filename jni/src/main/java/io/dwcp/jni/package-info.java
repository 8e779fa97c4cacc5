/**
 * The Java face of the project's native kernels (issue 5): Isolation Forest scoring
 * ({@link io.dwcp.jni.ForestScorer}) over the one forest format ({@link io.dwcp.jni.FlatForest}), in C, CUDA
 * and pure Java, chosen CUDA &gt; C &gt; Java by {@link io.dwcp.jni.Kernels}, with Netty-style availability
 * probes ({@link io.dwcp.jni.NativeCpu}, {@link io.dwcp.jni.NativeCuda}) and kill switches
 * {@code -Ddwcp.native.disable=true}, {@code -Ddwcp.cuda.disable=true}.
 *
 * <p>Owns: the public scoring API, the implementation ranking and the translation of native status codes
 * into Java exceptions ({@code Status}). The JavaCPP bindings live in {@code io.dwcp.jni.internal}, which
 * only this package touches. Depends on nothing else of the project.
 */
package io.dwcp.jni;
