import 'package:json_annotation/json_annotation.dart';

part 'trail.g.dart';

enum Difficulty { easy, moderate, hard, expert }

@JsonSerializable()
class Trail {
  const Trail({
    required this.id,
    required this.name,
    required this.region,
    required this.lengthKm,
    required this.elevationGainM,
    required this.difficulty,
    this.photoUrl,
    this.isFavorite = false,
  });

  factory Trail.fromJson(Map<String, dynamic> json) => _$TrailFromJson(json);

  final String id;
  final String name;
  final String region;
  final double lengthKm;
  final int elevationGainM;
  final Difficulty difficulty;
  final String? photoUrl;
  final bool isFavorite;

  Map<String, dynamic> toJson() => _$TrailToJson(this);

  Trail copyWith({bool? isFavorite}) {
    return Trail(
      id: id,
      name: name,
      region: region,
      lengthKm: lengthKm,
      elevationGainM: elevationGainM,
      difficulty: difficulty,
      photoUrl: photoUrl,
      isFavorite: isFavorite ?? this.isFavorite,
    );
  }
}
