package dev.kiln.nn.golden;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.api.Backends;
import dev.kiln.api.Functional;
import dev.kiln.api.Scope;
import dev.kiln.api.Tensor;
import dev.kiln.api.Tensors;
import dev.kiln.api.random.Generator;
import dev.kiln.api.spi.Backend;
import dev.kiln.nn.layers.Linear;
import dev.kiln.nn.optim.Adadelta;
import dev.kiln.nn.optim.Adagrad;
import dev.kiln.nn.optim.Adam;
import dev.kiln.nn.optim.AdamW;
import dev.kiln.nn.optim.CosineAnnealingLR;
import dev.kiln.nn.optim.CosineAnnealingWarmRestarts;
import dev.kiln.nn.optim.ExponentialLR;
import dev.kiln.nn.optim.LinearWarmup;
import dev.kiln.nn.optim.LrScheduler;
import dev.kiln.nn.optim.MultiStepLR;
import dev.kiln.nn.optim.OneCycleLR;
import dev.kiln.nn.optim.Optimizer;
import dev.kiln.nn.optim.ParamGroup;
import dev.kiln.nn.optim.RMSprop;
import dev.kiln.nn.optim.SGD;
import dev.kiln.nn.optim.StepLR;
import dev.kiln.nn.testing.TestBackends;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every optimizer and schedule against {@code torch.optim}'s 20-step trajectory on a small least-squares
 * problem ({@code loss = mean((x W^T + b - y)^2)}): the parameters after each step agree to a
 * relative error below 1e-5 in F32, and the learning rate of each step matches.
 */
class OptimizerGoldenTest {
    private static final Map<String, Object> ROOT = ModelsGolden.load("models_optimizers.json");
    private static final double TOLERANCE = 1e-5;

    static Stream<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        for (String backend : TestBackends.names()) {
            for (Map<String, Object> c : ModelsGolden.cases(ROOT)) {
                out.add(Arguments.of(backend, c.get("name"), c));
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{1} on {0}")
    @MethodSource("cases")
    void matchesPyTorchTrajectory(String backendName, String name, Map<String, Object> c) {
        Backend backend = TestBackends.open(backendName);
        Tensors on = Tensors.on(backend);
        try (Backends.Use u = Backends.use(backend); Linear model = new Linear(4, 3, new Generator(0)); Scope fixtures = Scope.open()) {
            Map<String, Tensor> start = new LinkedHashMap<>();
            start.put("weight", ModelsGolden.f32(on, ROOT.get("weight0")));
            start.put("bias", ModelsGolden.f32(on, ROOT.get("bias0")));
            model.loadStateDict(start);
            Tensor x = ModelsGolden.f32(on, ROOT.get("x"));
            Tensor y = ModelsGolden.f32(on, ROOT.get("y"));
            try (Optimizer opt = optimizer(c, model)) {
                LrScheduler schedule = schedule(c, opt);
                List<?> weights = (List<?>) c.get("weight");
                List<?> biases = (List<?>) c.get("bias");
                List<?> lrs = (List<?>) c.get("lr");
                for (int step = 0; step < weights.size(); step++) {
                    assertEquals(((Number) lrs.get(step)).doubleValue(), opt.groups().get(0).lr(), 1e-12,
                            name + ": learning rate of step " + (step + 1));
                    try (Scope s = Scope.open()) {
                        Functional.mseLoss(model.forward(x), y).backward();
                        opt.step();
                        opt.zeroGrad();
                    }
                    if (schedule != null) {
                        schedule.step();
                    }
                    double ew = ModelsGolden.relativeError(model.weight().tensor().toFloatArray(), ModelsGolden.data(weights.get(step)), 1e-3);
                    double eb = ModelsGolden.relativeError(model.bias().tensor().toFloatArray(), ModelsGolden.data(biases.get(step)), 1e-3);
                    assertTrue(ew < TOLERANCE && eb < TOLERANCE, name + " on " + backendName + ": step " + (step + 1)
                            + " differs from PyTorch by " + ew + " (weight) and " + eb + " (bias)");
                }
            }
        }
    }

    @ParameterizedTest(name = "{1} on {0}")
    @MethodSource("cases")
    void stateSurvivesASaveAndRestoreMidway(String backendName, String name, Map<String, Object> c) {
        Backend backend = TestBackends.open(backendName);
        Tensors on = Tensors.on(backend);
        try (Backends.Use u = Backends.use(backend); Linear a = new Linear(4, 3, new Generator(0)); Linear b = new Linear(4, 3, new Generator(0));
             Scope fixtures = Scope.open()) {
            Map<String, Tensor> start = Map.of("weight", ModelsGolden.f32(on, ROOT.get("weight0")), "bias", ModelsGolden.f32(on, ROOT.get("bias0")));
            a.loadStateDict(start);
            Tensor x = ModelsGolden.f32(on, ROOT.get("x"));
            Tensor y = ModelsGolden.f32(on, ROOT.get("y"));
            try (Optimizer first = optimizer(c, a); Optimizer second = optimizer(c, b)) {
                for (int step = 0; step < 10; step++) {
                    step(a, first, x, y);
                }
                b.loadStateDict(a.stateDict());
                try (var saved = first.saveState()) {
                    second.loadState(saved);
                }
                for (int step = 0; step < 5; step++) {
                    step(a, first, x, y);
                    step(b, second, x, y);
                }
                assertArrayEquals(a.weight().tensor().toFloatArray(), b.weight().tensor().toFloatArray(), 0f,
                        name + ": the restored optimizer continues exactly as the original");
            }
        }
    }

    private static void step(Linear model, Optimizer opt, Tensor x, Tensor y) {
        try (Scope s = Scope.open()) {
            Functional.mseLoss(model.forward(x), y).backward();
            opt.step();
            opt.zeroGrad();
        }
    }

    @SuppressWarnings("unchecked")
    private static Optimizer optimizer(Map<String, Object> c, Linear model) {
        Map<String, Object> o = ModelsGolden.map(c, "options");
        List<ParamGroup> groups;
        if (c.containsKey("groups")) {
            List<Map<String, Object>> g = (List<Map<String, Object>>) c.get("groups");
            ParamGroup w = new ParamGroup(Map.of("weight", model.weight()));
            ParamGroup b = new ParamGroup(Map.of("bias", model.bias()));
            configure(w, g.get(0));
            configure(b, g.get(1));
            groups = List.of(w, b);
        } else {
            groups = ParamGroup.of(model);
        }
        double lr = ModelsGolden.number(o, "lr", Double.NaN);
        double wd = ModelsGolden.number(o, "weight_decay", 0);
        return switch ((String) c.get("optimizer")) {
            case "SGD" -> new SGD(groups, lr, ModelsGolden.number(o, "momentum", 0), ModelsGolden.number(o, "dampening", 0), wd,
                    Boolean.TRUE.equals(o.get("nesterov")));
            case "Adam" -> new Adam(groups, lr, 0.9, 0.999, 1e-8, wd);
            case "AdamW" -> new AdamW(groups, lr, 0.9, 0.999, 1e-8, wd);
            case "RMSprop" -> new RMSprop(groups, lr, 0.99, 1e-8, wd, ModelsGolden.number(o, "momentum", 0),
                    Boolean.TRUE.equals(o.get("centered")));
            case "Adagrad" -> new Adagrad(groups, lr, ModelsGolden.number(o, "lr_decay", 0), wd, 1e-10);
            case "Adadelta" -> new Adadelta(groups, lr, ModelsGolden.number(o, "rho", 0.9), ModelsGolden.number(o, "eps", 1e-6), wd);
            default -> throw new IllegalArgumentException("unknown optimizer " + c.get("optimizer"));
        };
    }

    private static void configure(ParamGroup g, Map<String, Object> spec) {
        if (spec.containsKey("lr")) {
            g.lr(ModelsGolden.number(spec, "lr", 0));
        }
        if (spec.containsKey("weight_decay")) {
            g.weightDecay(ModelsGolden.number(spec, "weight_decay", 0));
        }
    }

    @SuppressWarnings("unchecked")
    private static LrScheduler schedule(Map<String, Object> c, Optimizer opt) {
        String kind = (String) c.get("schedule");
        if (kind == null) {
            return null;
        }
        Map<String, Object> s = ModelsGolden.map(c, "scheduleOptions");
        return switch (kind) {
            case "StepLR" -> new StepLR(opt, (int) ModelsGolden.number(s, "step_size", 0), ModelsGolden.number(s, "gamma", 0));
            case "MultiStepLR" -> new MultiStepLR(opt,
                    ((List<Object>) s.get("milestones")).stream().mapToInt(v -> ((Number) v).intValue()).toArray(),
                    ModelsGolden.number(s, "gamma", 0));
            case "ExponentialLR" -> new ExponentialLR(opt, ModelsGolden.number(s, "gamma", 0));
            case "CosineAnnealingLR" -> new CosineAnnealingLR(opt, (int) ModelsGolden.number(s, "T_max", 0),
                    ModelsGolden.number(s, "eta_min", 0));
            case "CosineAnnealingWarmRestarts" -> new CosineAnnealingWarmRestarts(opt, (int) ModelsGolden.number(s, "T_0", 0),
                    (int) ModelsGolden.number(s, "T_mult", 1), ModelsGolden.number(s, "eta_min", 0));
            case "OneCycleLR" -> new OneCycleLR(opt, ModelsGolden.number(s, "max_lr", 0), (int) ModelsGolden.number(s, "total_steps", 0));
            case "LinearLR" -> new LinearWarmup(opt, ModelsGolden.number(s, "start_factor", 0), (int) ModelsGolden.number(s, "total_iters", 0));
            default -> throw new IllegalArgumentException("unknown schedule " + kind);
        };
    }
}
