package dev.kiln.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** How sgemm's threads share tasks: each task started once, and only a task's last k chunk shared, a sliver at a time. */
class CpuGemmTasksTest {
    @Test
    void oneThreadStartsEveryTaskOnceAndThenFindsNothingToJoin() {
        CpuGemmTasks work = new CpuGemmTasks(3, t -> 5);
        for (int t = 0; t < 3; t++) {
            CpuGemmTasks.Claim claim = work.claim();
            assertEquals(new CpuGemmTasks.Claim(t, false), claim);
            work.openLastChunk(t);
            assertEquals(List.of(0, 1, 2, 3, 4), slivers(work, t, true));
            work.leave(t);
        }
        assertNull(work.claim());
    }

    @Test
    void anEarlierChunkWalksEverySliverWithoutTakingAnyFromTheLastChunk() {
        CpuGemmTasks work = new CpuGemmTasks(1, t -> 4);
        assertEquals(0, work.claim().task());
        assertEquals(List.of(0, 1, 2, 3), slivers(work, 0, false));
        assertEquals(List.of(0, 1, 2, 3), slivers(work, 0, false));
        work.openLastChunk(0);
        assertEquals(List.of(0, 1, 2, 3), slivers(work, 0, true));
    }

    @Test
    void aThreadOutOfTasksJoinsTheLastChunkWithTheMostSliversLeftAndTheySplitItsSlivers() {
        CpuGemmTasks work = new CpuGemmTasks(2, t -> t == 0 ? 6 : 10);
        CpuGemmTasks.Claim first = work.claim();
        CpuGemmTasks.Claim second = work.claim();
        work.openLastChunk(first.task());
        work.openLastChunk(second.task());
        assertEquals(0, work.sliverAfter(1, -1, true), "the owner of task 1 takes its first sliver");
        CpuGemmTasks.Claim joined = work.claim();
        assertEquals(new CpuGemmTasks.Claim(1, true), joined, "task 1 has 9 slivers left, task 0 has 6");
        List<Integer> owner = new ArrayList<>(List.of(0));
        List<Integer> joiner = new ArrayList<>();
        // the joiner and the owner take turns (in the last chunk the previous sliver does not matter)
        for (int turn = 0, s; (s = work.sliverAfter(1, -1, true)) >= 0; turn++) {
            (turn % 2 == 0 ? joiner : owner).add(s);
        }
        List<Integer> all = new ArrayList<>(owner);
        all.addAll(joiner);
        all.sort(null);
        assertEquals(List.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 9), all);
        assertFalse(joiner.isEmpty());
    }

    @Test
    void aTaskWithTooFewSliversLeftIsNotJoined() {
        CpuGemmTasks work = new CpuGemmTasks(1, t -> CpuGemmTasks.JOIN_MIN_SLIVERS + 1);
        work.claim();
        work.openLastChunk(0);
        work.sliverAfter(0, -1, true);
        work.sliverAfter(0, 0, true);
        // JOIN_MIN_SLIVERS - 1 left: the owner is about to finish, and nothing else runs
        work.leave(0);
        assertNull(work.claim());
    }

    @Test
    void aThreadWaitsForATaskInAnEarlierChunkThenJoinsItsLastChunk() throws Exception {
        CpuGemmTasks work = new CpuGemmTasks(1, t -> 8);
        assertEquals(0, work.claim().task());
        CompletableFuture<CpuGemmTasks.Claim> waiting = CompletableFuture.supplyAsync(work::claim);
        Thread.sleep(50);
        assertFalse(waiting.isDone(), "nothing to join while the only task is in an earlier chunk");
        work.openLastChunk(0);
        assertEquals(new CpuGemmTasks.Claim(0, true), waiting.get(10, TimeUnit.SECONDS));
    }

    @Test
    void anOwnerThatLeavesBeforeItsLastChunkReleasesAThreadWaitingToJoin() throws Exception {
        CpuGemmTasks work = new CpuGemmTasks(1, t -> 8);
        work.claim();
        CompletableFuture<CpuGemmTasks.Claim> waiting = CompletableFuture.supplyAsync(work::claim);
        Thread.sleep(50);
        // as when the owner's chunk throws: it leaves the task without opening the last chunk
        work.leave(0);
        assertNull(waiting.get(10, TimeUnit.SECONDS));
        assertTrue(waiting.isDone());
    }

    /**
     * A product deep enough for its packed A to go in k chunks (on two threads 2 chunks of 6 row blocks,
     * whose last chunks threads join; run inline on one thread, 4 chunks of 2 blocks) and a ragged last
     * sliver: the forked product has the inline one's bits, and sampled elements match a naive sum.
     */
    @Test
    void aForkedProductInKChunksHasTheBitsOfTheSameProductRunInline() {
        int m = 296;
        int n = 70;
        int k = 6656;
        Random rnd = new Random(11);
        float[] a = CpuGemmTest.randomFloats(rnd, m * k);
        float[] b = CpuGemmTest.randomFloats(rnd, k * n);
        float[] forked = new float[m * n];
        CpuGemm.sgemm(false, false, m, n, k, 1f, a, 0, k, b, 0, n, 0f, forked, 0, n);
        float[] inline = new float[m * n];
        // a body of a parallel loop runs the loops nested in it (sgemm's among them) on its own thread
        CpuThreads.parallelFor(2, 1, (from, to) -> {
            if (from == 0) {
                CpuGemm.sgemm(false, false, m, n, k, 1f, a, 0, k, b, 0, n, 0f, inline, 0, n);
            }
        });
        for (int e = 0; e < m * n; e++) {
            assertEquals(Float.floatToRawIntBits(inline[e]), Float.floatToRawIntBits(forked[e]), "C[" + e / n + "," + e % n + "]");
        }
        for (int sample = 0; sample < 64; sample++) {
            int i = rnd.nextInt(m);
            int j = rnd.nextInt(n);
            double sum = 0;
            double magnitude = 0;
            for (int p = 0; p < k; p++) {
                sum += (double) a[i * k + p] * b[p * n + j];
                magnitude += Math.abs((double) a[i * k + p] * b[p * n + j]);
            }
            assertEquals(sum, forked[i * n + j], 1e-6 * magnitude, "C[" + i + "," + j + "]");
        }
    }

    private static List<Integer> slivers(CpuGemmTasks work, int t, boolean lastChunk) {
        List<Integer> out = new ArrayList<>();
        for (int s = work.sliverAfter(t, -1, lastChunk); s >= 0; s = work.sliverAfter(t, s, lastChunk)) {
            out.add(s);
        }
        return out;
    }
}
