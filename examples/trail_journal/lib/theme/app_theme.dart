import 'package:flutter/material.dart';

const trailGreen = Color(0xFF2E7D32);
const summitOrange = Color(0xFFEF6C00);

/// Builds the light theme used by the whole app.
ThemeData buildTrailTheme() {
  final base = ThemeData(
    colorScheme: ColorScheme.fromSeed(seedColor: trailGreen),
    useMaterial3: true,
  );
  return base.copyWith(
    cardTheme: const CardTheme(
      elevation: 1,
      margin: EdgeInsets.symmetric(horizontal: 16, vertical: 8),
    ),
    appBarTheme: const AppBarTheme(centerTitle: false),
  );
}
