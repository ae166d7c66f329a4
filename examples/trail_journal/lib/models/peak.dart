class Peak {
  const Peak({
    required this.name,
    required this.heightM,
    required this.range,
    this.summitedOn,
  });

  final String name;
  final int heightM;
  final String range;
  final DateTime? summitedOn;

  bool get isSummited => summitedOn != null;
}
