package dev.kiln.nn.examples;

import java.util.List;

/**
 * Zachary's karate club (1977): 34 members, 78 friendships, and the club each member joined after
 * the split (0: the instructor's, node 0; 1: the administrator's, node 33). Bundled as
 * {@code dev/kiln/datasets/karate/edges.csv} and {@code labels.csv}.
 */
public record KarateClub(int nodes, int[][] edges, int[] clubs) {
    public static KarateClub load() {
        List<double[]> e = BundledCsv.rows("karate/edges.csv");
        int[][] edges = new int[e.size()][];
        for (int i = 0; i < edges.length; i++) {
            edges[i] = new int[] {(int) e.get(i)[0], (int) e.get(i)[1]};
        }
        List<double[]> l = BundledCsv.rows("karate/labels.csv");
        int[] clubs = new int[l.size()];
        for (double[] row : l) {
            clubs[(int) row[0]] = (int) row[1];
        }
        return new KarateClub(clubs.length, edges, clubs);
    }
}
