using ActorSim.Simulation.Models;
using ActorSim.Simulation.Scenarios;
using ActorSim.Simulation.Subdomains;
using ActorSim.Simulation.Tests.Subdomains;

namespace ActorSim.Simulation.Tests.Cluster;

/// <summary>
/// The toy <see cref="HeatModel"/> as a scenario model ("heat-test"), so that cluster nodes can build it from scenario
/// JSON: <c>cells</c>, and optionally <c>fail_block</c>/<c>fail_step</c> to make one block's kernel throw.
/// </summary>
internal sealed class HeatDefinition : IModelDefinition
{
    public static IReadOnlyList<IModelDefinition> Catalog { get; } = [.. ModelCatalog.All, new HeatDefinition(), new RestoreProbeDefinition()];

    public string Name => "heat-test";
    public string Summary => "toy 1D reaction-diffusion model for protocol tests";
    public IReadOnlyList<ValueSpec> Parameters { get; } =
    [
        new("cells", "cells", "grid cells", ValueKind.Count),
        new("fail_block", "1", "block whose kernel throws (-1: none)", ValueKind.Finite, -1),
        new("fail_step", "1", "step at which it throws", ValueKind.Finite, -1),
    ];
    public IReadOnlyList<ValueSpec> Initial { get; } = [];
    public int MaxBlocks => 64;
    public void CheckConsistency(Scenario scenario, Action<string, string> error) { }

    public IRunnableModel Create(Scenario s)
    {
        var inner = new HeatModel(s.Count("cells"), s.Run.Blocks, periodic: false);
        int failBlock = (int)s.P("fail_block");
        return failBlock < 0 ? inner : new FailingModel(inner, failBlock, (long)s.P("fail_step"));
    }

    public static string Scenario(int cells, int blocks, double end, double interval, int failBlock = -1, int failStep = -1) => $$"""
        { "model": "heat-test", "parameters": { "cells": {{cells}}, "fail_block": {{failBlock}}, "fail_step": {{failStep}} },
          "initial": {}, "time": { "end": {{end}}, "output_interval": {{interval}} }, "run": { "blocks": {{blocks}}, "seed": 1 } }
        """;

    private sealed class FailingModel(HeatModel inner, int failBlock, long failStep) : ISubdomainModel
    {
        public int BlockCount => inner.BlockCount;
        public IReadOnlyList<string> Columns => inner.Columns;
        public System.Text.Json.Nodes.JsonObject Analysis() => inner.Analysis();
        public IReadOnlyList<HaloLink> Links(int block) => inner.Links(block);
        public ISubdomainKernel CreateKernel(int block) => block == failBlock ? new Failing(inner.CreateKernel(block), failStep) : inner.CreateKernel(block);
        public double[] ReduceBounds(IReadOnlyList<double[]> bounds) => inner.ReduceBounds(bounds);
        public StepOrder Plan(long step, double t, double tEnd, double[] global) => inner.Plan(step, t, tEnd, global);
        public IReadOnlyList<FieldSnapshot> Assemble(double t, IReadOnlyList<double[]> snapshots, Span<double> row) => inner.Assemble(t, snapshots, row);
    }

    private sealed class Failing(ISubdomainKernel k, long failStep) : ISubdomainKernel
    {
        public int Block => k.Block;
        public IReadOnlyList<HaloLink> Links => k.Links;
        public int HaloLength(int port) => k.HaloLength(port);
        public void ExtractHalo(int port, Span<double> buffer) => k.ExtractHalo(port, buffer);
        public void ApplyHalo(int port, ReadOnlySpan<double> buffer) => k.ApplyHalo(port, buffer);
        public void ApplyBoundary(int port) => k.ApplyBoundary(port);
        public double[] ComputeBounds() => k.ComputeBounds();
        public void BeginStep(StepOrder order)
        {
            if (order.Step == failStep) throw new InvalidOperationException($"block {k.Block} blew up");
            k.BeginStep(order);
        }
        public void Stage(int s) => k.Stage(s);
        public int SnapshotLength => k.SnapshotLength;
        public void CopySnapshot(Span<double> destination) => k.CopySnapshot(destination);
    }
}
