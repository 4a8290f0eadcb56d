import CoreKernel

extension Kernel {
    /// The learning library's topics of `Guide`, and the related names `?name` shows for its main
    /// functions.
    static let learnGuide: [GuideTopic] = [
        GuideTopic("Learning", "supervised learning: classifiers and predictors, and how good they are.",
                   names: ["Classify", "Predict", "ClassifierMeasurements", "PredictorMeasurements", "FeatureExtraction",
                           "FeatureSpacePlot", "NetMeasurements", "Nearest"],
                   seeAlso: ["Classify": ["Predict", "ClassifierMeasurements", "ResourceData", "NetTrain"],
                             "Predict": ["Classify", "PredictorMeasurements", "LinearModelFit"],
                             "ClassifierMeasurements": ["Classify", "NetMeasurements", "PredictorMeasurements"],
                             "PredictorMeasurements": ["Predict", "ClassifierMeasurements"],
                             "FeatureExtraction": ["FeatureSpacePlot", "DimensionReduction", "Classify"],
                             "Nearest": ["FindClusters", "Classify"]]),
        GuideTopic("Unsupervised", "clusters, dimension reduction and learned distributions.",
                   names: ["FindClusters", "ClusterClassify", "ClusteringComponents", "DimensionReduction", "DimensionReduce",
                           "LearnDistribution", "FeatureSpacePlot", "AnomalyDetection", "DeleteAnomalies", "FindAnomalies",
                           "SynthesizeMissingValues"],
                   seeAlso: ["FindClusters": ["ClusterClassify", "ClusteringComponents", "Nearest"],
                             "DimensionReduction": ["DimensionReduce", "FeatureSpacePlot", "FeatureExtraction"],
                             "LearnDistribution": ["RandomVariate", "PDF", "EstimatedDistribution", "AnomalyDetection"],
                             "AnomalyDetection": ["DeleteAnomalies", "FindAnomalies", "RarerProbability", "LearnDistribution"]]),
        GuideTopic("Statistics", "distributions, fitting and summaries of data.",
                   names: ["Mean", "Median", "StandardDeviation", "Variance", "NormalDistribution", "RandomVariate", "PDF",
                           "CDF", "EstimatedDistribution", "LinearModelFit", "Fit", "FindFit", "*Distribution"],
                   seeAlso: ["LinearModelFit": ["Fit", "FindFit", "Predict"], "Mean": ["Median", "StandardDeviation", "Total"]]),
    ]
}
