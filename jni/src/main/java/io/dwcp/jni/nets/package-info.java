/**
 * The four trained networks without TensorFlow (issue 16): {@link io.dwcp.jni.nets.NetWeights} reads a
 * network's weights file (models/WEIGHTS.md), {@link io.dwcp.jni.nets.Nets#load} runs it on the C kernels
 * of libdwcp_nets.so ({@link io.dwcp.jni.nets.NativeNets} says whether they load) or in pure Java, after
 * checking it reproduces the file's golden outputs. Nothing here imports TensorFlow.
 */
package io.dwcp.jni.nets;
