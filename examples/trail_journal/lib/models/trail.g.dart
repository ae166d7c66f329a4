// GENERATED CODE - DO NOT MODIFY BY HAND

part of 'trail.dart';

// **************************************************************************
// JsonSerializableGenerator
// **************************************************************************

Trail _$TrailFromJson(Map<String, dynamic> json) => Trail(
      id: json['id'] as String,
      name: json['name'] as String,
      region: json['region'] as String,
      lengthKm: (json['lengthKm'] as num).toDouble(),
      elevationGainM: (json['elevationGainM'] as num).toInt(),
      difficulty: $enumDecode(_$DifficultyEnumMap, json['difficulty']),
      photoUrl: json['photoUrl'] as String?,
      isFavorite: json['isFavorite'] as bool? ?? false,
    );

Map<String, dynamic> _$TrailToJson(Trail instance) => <String, dynamic>{
      'id': instance.id,
      'name': instance.name,
      'region': instance.region,
      'lengthKm': instance.lengthKm,
      'elevationGainM': instance.elevationGainM,
      'difficulty': _$DifficultyEnumMap[instance.difficulty]!,
      'photoUrl': instance.photoUrl,
      'isFavorite': instance.isFavorite,
    };

const _$DifficultyEnumMap = {
  Difficulty.easy: 'easy',
  Difficulty.moderate: 'moderate',
  Difficulty.hard: 'hard',
  Difficulty.expert: 'expert',
};
