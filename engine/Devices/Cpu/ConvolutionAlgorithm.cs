namespace NativeCnn.Engine.Devices.Cpu;

/// <summary>How the CPU backend computes Conv2D layers.</summary>
public enum ConvolutionAlgorithm
{
    /// <summary>Winograd F(2x2, 3x3) for the forward pass and the data gradient of 3x3, stride-1 layers with at least
    /// 16 channels on each side and outputs of at least 8x8 (2.25x fewer multiply-adds; Lavin and Gray, CVPR 2016);
    /// im2col + GEMM for everything else and for every kernel gradient.</summary>
    Auto,

    /// <summary>im2col + GEMM for every layer (Chellapilla et al. 2006): the baseline that benchmarks compare against.</summary>
    Im2Col,
}
