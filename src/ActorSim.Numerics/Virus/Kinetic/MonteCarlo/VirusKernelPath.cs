namespace ActorSim.Numerics.Virus.Kinetic.MonteCarlo;

/// <summary>
/// The code path of <see cref="VirusParticleSubdomain1D.ReactAndMove"/>: every path gives the same bits (tests force
/// each one to check that); <see cref="Auto"/> takes the widest the machine has.
/// </summary>
public enum VirusKernelPath
{
    /// <summary>AVX-512 if present, else AVX2, else scalar.</summary>
    Auto,

    /// <summary>Every particle through the per-particle chain (the definition), the draws from the scalar Philox.</summary>
    Scalar,

    /// <summary>Four particles per vector in the fast pass, the first draws from 4-lane Philox (needs AVX2).</summary>
    Avx2,

    /// <summary>Eight particles per vector, the first draws from 8-lane Philox (needs AVX-512F).</summary>
    Avx512,
}
