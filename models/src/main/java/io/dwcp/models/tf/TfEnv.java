package io.dwcp.models.tf;

import org.tensorflow.Graph;
import org.tensorflow.Session;
import org.tensorflow.proto.ConfigProto;

/**
 * Session settings shared by training and serving: fixed intra-op threads and one inter-op thread so a
 * given thread count gives the same arithmetic order run after run. Thread-safe.
 */
public final class TfEnv {
    private TfEnv() {}

    public static ConfigProto config(int threads) {
        return ConfigProto.newBuilder()
                .setIntraOpParallelismThreads(threads)
                .setInterOpParallelismThreads(1)
                .build();
    }

    public static Session session(Graph g, int threads) {
        return new Session(g, config(threads));
    }
}
