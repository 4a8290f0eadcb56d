import Foundation

/// Trained classifiers as JSON: the method, the standardization, the class priors and the
/// model's parameters (a neural network's net as a base64 nets file).
extension TrainedClassifier: Codable {
    enum Keys: String, CodingKey { case method, classCount, standardizer, priors, model }

    public init(from decoder: any Swift.Decoder) throws {
        let c = try decoder.container(keyedBy: Keys.self)
        method = try c.decode(ClassifierMethod.self, forKey: .method)
        classCount = try c.decode(Int.self, forKey: .classCount)
        standardizer = try c.decode(Standardizer.self, forKey: .standardizer)
        priors = try c.decode([Double].self, forKey: .priors)
        switch method {
        case .logisticRegression: model = try c.decode(LogisticRegression.self, forKey: .model)
        case .nearestNeighbors: model = try c.decode(NearestNeighbors.self, forKey: .model)
        case .naiveBayes: model = try c.decode(GaussianNaiveBayes.self, forKey: .model)
        case .decisionTree: model = try c.decode(DecisionTree.self, forKey: .model)
        case .randomForest: model = try c.decode(RandomForest.self, forKey: .model)
        case .neuralNetwork: model = try c.decode(NeuralNetworkModel.self, forKey: .model)
        case .gradientBoostedTrees: model = try c.decode(GradientBoostedTrees.self, forKey: .model)
        case .supportVectorMachine: model = try c.decode(SupportVectorMachine.self, forKey: .model)
        }
        // Checked before use: a file is untrusted, and applying a classifier indexes by these sizes.
        try validate()
    }

    public func encode(to encoder: any Swift.Encoder) throws {
        var c = encoder.container(keyedBy: Keys.self)
        try c.encode(method, forKey: .method)
        try c.encode(classCount, forKey: .classCount)
        try c.encode(standardizer, forKey: .standardizer)
        try c.encode(priors, forKey: .priors)
        switch model {
        case let m as LogisticRegression: try c.encode(m, forKey: .model)
        case let m as NearestNeighbors: try c.encode(m, forKey: .model)
        case let m as GaussianNaiveBayes: try c.encode(m, forKey: .model)
        case let m as DecisionTree: try c.encode(m, forKey: .model)
        case let m as RandomForest: try c.encode(m, forKey: .model)
        case let m as NeuralNetworkModel: try c.encode(m, forKey: .model)
        case let m as GradientBoostedTrees: try c.encode(m, forKey: .model)
        case let m as SupportVectorMachine: try c.encode(m, forKey: .model)
        default: throw LearnError("file", "this model cannot be saved")
        }
    }
}
